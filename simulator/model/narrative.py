"""Plain-language descriptions of the actors' choices, for the event log and the story of a world."""

CHOICES = {
    "us.retaliation": ("The US holds off striking militias", "The US answers attacks with occasional strikes",
                       "The US launches a heavy strike campaign against the militias"),
    "iran.direction": ("Iran tells its allied factions to hold back", "Iran lets its allies keep up the pressure on "
                       "US forces", "Iran directs its allied factions to escalate"),
    "iraq.exit_stance": ("Baghdad lets the question of the US presence rest", "Baghdad negotiates a timetable for the "
                         "coalition's exit", "Baghdad formally requests a US withdrawal"),
    "iraq.militia_policy": ("Baghdad leaves the militias be", "Baghdad draws the militias further into power and "
                            "patronage", "Baghdad presses the militias publicly to stop attacking"),
    "militia.posture": ("{faction}: holding fire", "{faction}: harassing attacks on US forces",
                        "{faction}: escalating attacks on US forces"),
}
FACTION_NAMES = {"kataib_hezbollah": "Kata'ib Hezbollah", "hardline_allies": "Other hardline factions",
                 "state_aligned": "State-aligned PMU factions"}


def logged_choices(model) -> list[tuple]:
    """(decision, agent, attribute, actor label, text per option) for every choice whose changes are logged."""
    out = [("us.retaliation", model.us, "retaliation", "us", CHOICES["us.retaliation"]),
           ("iran.direction", model.iran, "direction", "iran", CHOICES["iran.direction"]),
           ("iraq.exit_stance", model.iraq, "stance", "iraq", CHOICES["iraq.exit_stance"]),
           ("iraq.militia_policy", model.iraq, "militia_policy", "iraq", CHOICES["iraq.militia_policy"])]
    for f in model.factions:
        texts = tuple(t.format(faction=FACTION_NAMES[f.name]) for t in CHOICES["militia.posture"])
        out.append((f.decision, f, "posture", f.name, texts))
    return out
