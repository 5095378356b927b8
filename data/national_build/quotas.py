"""Quotas: the Official Letter 09/CV-BCĐ norm, the Document 10989/BNV cut, the template."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .facts import MAX_TOTAL, NORM_BASE, NORM_CAP, NORM_THRESHOLD, POSITIONS, SEQUENCES, _TAIL
from .state import Build


def build_quotas(bld: Build):
    u, prov = bld.u, bld.prov
    hilly = (u.mountainous | u.remote).to_numpy()
    extra = np.where(u.population > NORM_THRESHOLD,
                     np.floor((u.population - NORM_THRESHOLD)
                              / np.where(hilly, 1000, 2000)), 0)
    norm = np.minimum(NORM_BASE + extra, u.unit_type.map(NORM_CAP)).astype(int)
    red = u.province_code.map(prov.set_index("province_code").quota_reduction_pct)
    total = np.floor(norm * (100 - red.to_numpy()) / 100 + 1e-9).astype(int)
    u["staff_norm"] = norm
    u["quota_total"] = total
    # the sequence each unit follows
    seq_kind = np.where(u.unit_type.eq("phuong"), "phuong",
                        np.where(u.unit_type.eq("dac_khu"), "dac_khu",
                                 np.where(hilly, "xa_mn", "xa")))
    u["_seq"] = seq_kind
    pos_codes = [p[0] for p in POSITIONS]
    pidx = {c: i for i, c in enumerate(pos_codes)}
    cum = {}
    for kind, seq in SEQUENCES.items():
        seq = list(seq)
        while len(seq) < MAX_TOTAL:
            seq += _TAIL
        m = np.zeros((MAX_TOTAL + 1, len(pos_codes)), dtype=int)
        for t, code in enumerate(seq[:MAX_TOTAL]):
            m[t + 1] = m[t]
            m[t + 1, pidx[code]] += 1
        cum[kind] = m
    q = np.vstack([cum[k][t] for k, t in zip(seq_kind, total)])
    assert (q.sum(axis=1) == total).all()
    qdf = pd.DataFrame(q, columns=pos_codes)
    qdf.insert(0, "unit_code", u.unit_code.to_numpy())
    long = qdf.melt(id_vars="unit_code", var_name="position_code", value_name="quota")
    long["_p"] = long.position_code.map(pidx)
    long = (long[long.quota > 0].sort_values(["unit_code", "_p"], kind="stable")
            .drop(columns="_p").reset_index(drop=True))
    bld.quotas = long
    bld.u = u.drop(columns=["_seq"])
    bld.seq_kind = seq_kind
