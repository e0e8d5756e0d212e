"""The militia factions modelled by default: name -> parameter prefix in configs/parameters.yaml.

Kata'ib Hezbollah is the hardest line (article, 'Same Foxhole'); the other hardline factions (Nujaba and allies)
attack less; the state-aligned blocs (Badr and others) are most of the PMU's fighters and rarely attack.
"""

FACTIONS = {"kataib_hezbollah": "militia_kh", "hardline_allies": "militia_allies",
            "state_aligned": "militia_mainstream"}
