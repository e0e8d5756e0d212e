"""The recorded metrics: name, unit, meaning and how to read each from a model (one value per world).

These are the columns of timeseries.parquet, the metrics scenario triggers can watch, and the DataCollector's
model reporters. Importing this module does not import the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .calendar import WEEKS_PER_YEAR


class Metric(NamedTuple):
    unit: str
    description: str
    read: Callable


def _leverage(name):
    return lambda m: m.leverage[name]


def _faction_attacks(name):
    return lambda m: next(f.attacks for f in m.factions if f.name == name)


METRICS: dict[str, Metric] = {
    "us_troops_iraq": Metric("troops", "US troops in Iraq", lambda m: m.us.troops_iraq),
    "us_troops_federal": Metric("troops", "US troops in federal Iraq", lambda m: m.us.troops["federal"]),
    "us_troops_kurdistan": Metric("troops", "US troops in the Kurdistan Region (Erbil)",
                                  lambda m: m.us.troops["kurdistan"]),
    "us_troops_syria": Metric("troops", "US troops in north-east Syria", lambda m: m.us.troops_syria),
    "attacks_per_week": Metric("attacks per week", "Attacks on US forces in Iraq",
                               lambda m: sum(f.attacks for f in m.factions)),
    "us_strikes_per_week": Metric("strikes per week", "US strikes on militia targets in Iraq", lambda m: m.us.strikes),
    "us_casualties_per_week": Metric("casualties per week", "US personnel killed or seriously wounded",
                                     lambda m: m.us.casualties),
    "dollar_access": Metric("share of normal", "Dollar transfers allowed (NY Fed)",
                            lambda m: m.us.dollar_access),
    "parallel_rate": Metric("IQD per USD", "Parallel exchange rate", lambda m: m.iraq.parallel_rate),
    "parallel_premium": Metric("share", "Parallel-market premium over the official rate",
                               lambda m: m.iraq.parallel_rate / m.p.iraq_official_rate - 1.0),
    "oil_price": Metric("USD per barrel", "Oil price", lambda m: m.iraq.oil_price),
    "iraq_oil_revenue": Metric("USD bn per year", "Iraq's oil export revenue (this week's, annualised)",
                               lambda m: m.iraq.oil_revenue * WEEKS_PER_YEAR),
    "oil_dollars_to_baghdad": Metric("USD bn per year", "Dollars the central bank sold, which back the state's "
                                     "dinar spending (annualised)",
                                     lambda m: m.iraq.dollar_sales * m.p.iraq_dollar_need_busd_per_year),
    "dollar_sales": Metric("share of normal", "Dollars the central bank sold, as a share of Iraq's normal need",
                           lambda m: m.iraq.dollar_sales),
    "cbi_reserves": Metric("USD bn", "Central bank foreign reserves (in New York and abroad)",
                           lambda m: m.iraq.reserves_us + m.iraq.reserves_abroad),
    "dollar_measures": Metric("share of sales", "Share of dollar sales the graded US measures block this week",
                              lambda m: 1.0 - _screen(m)),
    "iraq_enforcement": Metric("index 0-1", "How strictly Baghdad enforces dollar compliance on its banks",
                               lambda m: m.iraq.enforcement),
    "iran_dollars_via_iraq": Metric("USD bn per year", "Dollars leaking to Iran through Iraqi banks",
                                    lambda m: m.iraq.leakage),
    "fx_expectations": Metric("share of rate", "Premium of expected depreciation in the parallel rate (memory)",
                              lambda m: m.iraq.fx_expectations),
    "waiver_active": Metric("flag", "1 while both US waivers (gas and electricity) let Iraq pay Iran",
                            lambda m: m.us.waiver_active.astype(float)),
    "gas_waiver_active": Metric("flag", "1 while the US waiver lets Iraq pay Iran for gas",
                                lambda m: m.us.waivers["gas"].astype(float)),
    "electricity_waiver_active": Metric("flag", "1 while the US waiver lets Iraq pay Iran for electricity",
                                        lambda m: m.us.waivers["electricity"].astype(float)),
    "iran_power_share": Metric("share of supply", "Iran's share of Iraqi power",
                               lambda m: m.iraq.iran_power_share),
    "power_shortfall": Metric("share of demand", "Power demand unmet",
                              lambda m: m.iraq.power_shortfall),
    "iran_revenue_from_iraq": Metric("USD bn per year", "Iran's revenue from Iraq (annualised)",
                                     lambda m: m.iran.revenue_from_iraq),  # energy paid into escrow, other sales
    "iran_lifeline": Metric("USD bn per year", "What Iran can use of its income through Iraq: escrow drawn, other "
                            "sales and leaked dollars (annualised)", lambda m: m.iran.lifeline),
    "iran_arrears": Metric("USD bn", "Unpaid Iraqi energy bills owed to Iran", lambda m: m.iran.arrears),
    "iran_escrow_balance": Metric("USD bn", "Iraq's payments for Iranian energy held in restricted accounts",
                                  lambda m: m.iran.escrow),
    "iran_supply": Metric("share of normal", "Iranian gas and electricity delivered", lambda m: m.iran.supply_level),
    "iraq_alternative_supply": Metric("GW", "Iraq's power supply independent of Iran beyond January 2024's: the trend "
                                      "plus substitutes it invested in", lambda m: _alternatives(m)),
    "pmu_fighters": Metric("fighters", "PMU fighters", lambda m: m.iraq.pmu_fighters),
    "pmu_budget": Metric("USD bn per year", "PMU budget actually paid", lambda m: m.iraq.pmu_budget),
    "salary_coverage": Metric("share", "Salaries paid, real terms",
                              lambda m: m.iraq.salary_coverage),
    "exit_pressure": Metric("index 0-1", "Baghdad's exit pressure", lambda m: m.iraq.exit_pressure),
    "public_discontent": Metric("index 0-1", "Public discontent", lambda m: m.iraq.discontent),
    "escalation": Metric("index 0-1", "Escalation (smoothed)",
                         lambda m: m.escalation),
    "leverage_us_over_iraq": Metric("index 0-1", "US leverage over Iraq", _leverage("us_over_iraq")),
    "leverage_iran_over_iraq": Metric("index 0-1", "Iran's leverage over Iraq", _leverage("iran_over_iraq")),
    "leverage_iran_over_us": Metric("index 0-1", "Iran's leverage over the US", _leverage("iran_over_us")),
    "leverage_us_over_iran": Metric("index 0-1", "US leverage over Iran", _leverage("us_over_iran")),
    "leverage_iraq_over_us": Metric("index 0-1", "Baghdad's leverage over the US (the expulsion lever)",
                                    _leverage("iraq_over_us")),
    "leverage_iraq_over_militias": Metric("index 0-1", "Baghdad's leverage over the militias (their state pay)",
                                          _leverage("iraq_over_militias")),
    "power_demand": Metric("GW", "Iraqi power demand (seasonal)", lambda m: m.iraq.power_demand),
    "us_domestic_pressure": Metric("index 0-1", "US domestic pressure to leave, from recent casualties",
                                   lambda m: m.us.domestic_pressure),
    "sovereignty_grievance": Metric("index", "Baghdad's grievance at foreign strikes on its soil (decaying)",
                                    lambda m: m.iraq.sovereignty_grievance),
    "iraq_exit_request": Metric("flag", "1 while Baghdad formally requests a US withdrawal",
                                lambda m: (m.iraq.stance == 2).astype(float)),
    "us_cudgel": Metric("flag", "1 while the US carries out a dollar squeeze (the cudgel)",
                        lambda m: m.us.cudgel_active(m.week).astype(float)),
    "iran_escalating": Metric("flag", "1 while Iran directs its proxies to escalate",
                              lambda m: (m.iran.direction == 2).astype(float)),
    "iran_restraining": Metric("flag", "1 while Iran tells its allied factions to hold back",
                               lambda m: (m.iran.direction == 0).astype(float)),
    "militias_suspended": Metric("share of factions", "Share of militia factions that have suspended their campaign",
                                 lambda m: np.mean([f.suspended(m.week) for f in m.factions], axis=0)),
    "iraq_inclusion": Metric("index 0-1", "The militias' inclusion in power and patronage in Baghdad",
                             lambda m: m.iraq.inclusion),
    "iraq_nationalism": Metric("index", "Nationalist backlash in Baghdad against coercion (decaying)",
                               lambda m: m.iraq.nationalism),
    "militias_holding_fire": Metric("share of factions", "Share of militia factions holding fire",
                    lambda m: np.mean([f.posture == 0 for f in m.factions], axis=0)),
    "attacks_kataib_hezbollah": Metric("attacks per week", "Attacks by Kata'ib Hezbollah",
                                       _faction_attacks("kataib_hezbollah")),
    "attacks_hardline_allies": Metric("attacks per week", "Attacks by other hardline factions",
                                      _faction_attacks("hardline_allies")),
    "attacks_state_aligned": Metric("attacks per week", "Attacks by state-aligned PMU factions",
                                    _faction_attacks("state_aligned")),
}

def _threat(lever):
    return lambda m: m.threats.active[lever].astype(float)


def _credibility(lever):
    return lambda m: m.threats.credibility(m, lever)


def _screen(model):
    from .channels.dollar import screen

    return screen(model, model.week)


def _alternatives(model):
    return model.p.iraq_alternatives_gw_per_year * model.week / WEEKS_PER_YEAR + model.iraq.substitutes_gw


THREAT_LEVERS = ("us_dollars", "us_waivers", "us_retaliation", "iran_energy", "iran_proxies", "us_compliance",
                 "us_bank_bar", "us_designation")
_HOLDERS = {"us": "the US", "iran": "Iran"}
for _lever in THREAT_LEVERS:
    _who, _what = _lever.split("_", 1)
    _what = _what.replace("_", " ")
    METRICS[f"threat_{_lever}"] = Metric("flag", f"1 while {_HOLDERS[_who]} threatens its {_what} lever",
                                         _threat(_lever))
    METRICS[f"credibility_{_lever}"] = Metric("index 0-1", f"Credibility of {_HOLDERS[_who]}'s {_what} lever "
                                              f"(record x resolve now)", _credibility(_lever))

# The headline metrics shown in summaries and plots, in display order.
KEY_METRICS = ["us_troops_iraq", "attacks_per_week", "parallel_rate", "power_shortfall", "iran_revenue_from_iraq",
               "salary_coverage", "pmu_fighters", "exit_pressure", "public_discontent"]
# The leverage indices as a matrix: who holds the leverage (row) over whom (column), in display order.
LEVERAGE_MATRIX = [("US", [("Iraq", "leverage_us_over_iraq"), ("Iran", "leverage_us_over_iran")]),
                   ("Iran", [("Iraq", "leverage_iran_over_iraq"), ("US", "leverage_iran_over_us")]),
                   ("Iraq", [("US", "leverage_iraq_over_us"), ("Militias", "leverage_iraq_over_militias")])]
LEVERAGE_METRICS = [metric for _, row in LEVERAGE_MATRIX for _, metric in row]
