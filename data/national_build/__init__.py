"""Build the shipped national dataset ``data/national/`` (entry point: ``data/build_national.py``).

    python data/build_national.py [--seed 2026] [--out data/national] [--check]

The stages, one module each, run in this order (``cli.build``): ``admin_map`` (the real map
and the estimates on it) → ``quotas`` → ``counts`` (head-count per post, calibrated) →
``roster`` (one row per person; its ages, insurance years and salaries come from
``career``, its Decree 170 exemptions from ``exemptions``) → ``officers`` (needs and the
34 officers) → ``write`` (and ``write.self_check``) → ``calibration`` → ``readme`` (with
``figures``, measured from the written files). ``facts`` holds the published figures and
the templates, ``state`` the object the stages share. Retirement dates come from
``models.retirement`` and distances from ``models.geo.haversine_km``, as everywhere in the
project.

What is real, what is estimated and what is synthetic is written to
``data/national/README.md`` by this script (the README is generated, so its figures
always match the tables).  In short:

* REAL: the 2025 administrative map (34 provinces, 3,321 commune-level units: codes,
  names, types, coordinates, areas) from the PyPI package ``vietnamadminunits==1.0.4``
  (MIT), read straight from its SQLite file; provincial populations as published with
  Resolution 202/2025/QH15.
* ESTIMATED: commune populations, the ``mountainous``/``remote`` flags, four missing or
  zero areas.
* SYNTHETIC: quotas (derived from the published norms), staff (with salaries, insurance
  years and Decree 170 exemptions), officers, provincial needs.

The output is byte-reproducible for a given seed: one numpy ``SeedSequence`` spawns a
named stream per stage, nothing depends on dict/set order, the clock or the platform.
"""
