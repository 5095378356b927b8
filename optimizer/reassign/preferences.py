"""Wishes and a baseline in the reassignment model: persons who matter get their own nodes.

The flow model of `optimizer.reassign.network` moves anonymous staff between (unit, position)
pairs. Wishes (docs/contract.md §8) and the transfers of an earlier plan (``--baseline``) belong to
persons, so here the persons who have one get a node of their own and everyone else stays
aggregated:

    S → P(u,p)            cap supply(u,p)       (through U(u), cap the unit's departure limit)
    P(u,p) → A(u,p)       cap the anonymous movable staff of the pair
    P(u,p) → I(i)         cap 1, one arc per personal person i of the pair
    A(u,p) → D(v,p)       cap min(supply, shortage), one arc per eligible move
    I(i)   → D(v,p)       cap 1, for every eligible move of i's pair
    D(v,p) → T            cap shortage(v,p)     (through V(v), cap the unit's arrival limit)
    S → T                 whatever is not moved

Objective (§8), lexicographic, every component an integer sum over arcs:

    1. fill        −Σ priority(p) · inflow(v,p)     (= weighted unfilled shortage − a constant)
    2. changes     Σ x − 2 · Σ_{baseline arcs} x    (= dropped + added − |baseline|), with a baseline
    3. involuntary Σ over moves to a unit not wished by the person (anonymous moves always count),
       then −(first choices), −(second choices), …, with wishes
    4. metres      Σ metres · x

Anonymous persons are interchangeable for every component (they have no wish and no baseline
transfer, and km is unit to unit), so aggregating them loses nothing: the network optimum is the
person-level optimum (tests/test_decisions.py compares it with a person-level MILP).

**Integer weights, proven safe.** Component j of any feasible flow lies in an interval of width
``span_j`` (bounds below, computed per connected component of the network). With ``W_J = 1`` and
``W_j = 1 + Σ_{k>j} W_k · span_k``, a flow better in component j (by ≥ 1, all integers) and equal
before it is cheaper in Σ_j W_j · component_j, whatever the later components: the weighted sum
orders flows exactly as the lexicographic objective. The weights are Python integers. The network
is solved one connected component at a time (independent parts: the lexicographic optimum of
the whole is the union of theirs), which keeps the weights small. A component is solved by
OR-Tools' cost-scaling min-cost flow only when ``max|cost| · (nodes + 1)`` and
``Σ |cost| · cap`` stay below 2**62 (OR-Tools refuses above 2**63 / (nodes + 1) with
BAD_COST_RANGE, and its total cost is an int64); otherwise — or if OR-Tools still says
BAD_COST_RANGE — the component is solved stage by stage as a MIP (scipy's HiGHS, gap 0), each
stage's optimum fixed before the next.

Spans (per component): fill ≤ Σ priority · shortage; with N = min(Σ supply in, Σ shortage out)
and B = the baseline arcs, changes ∈ [−B, N]; involuntary ∈ [0, N]; the r-th choices ∈ [0, the
persons with an r-th wish reachable]; metres ≤ Σ_D shortage(D) · the longest arc into D.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from optimizer.reassign.eligibility import Eligibility

SAFE = 2 ** 62   # below int64's 2**63 with a factor 2 to spare


@dataclass(frozen=True)
class PreferenceResult:
    anon_flows: pd.DataFrame      # from_unit, to_unit, position_code, km, distance_source, flow
    personal: pd.DataFrame        # staff_id, from_unit, to_unit, position_code, km, distance_source
    status: str                   # optimal / feasible
    objective: dict               # each component's value (see the module docstring)
    components: int
    methods: dict                 # component count by method (min_cost_flow / mip)
    max_weight: int               # the largest W_1 used (Python int)
    solve_seconds: float
    build_seconds: float
    stages: list = field(default_factory=list)


def _metres(km) -> np.ndarray:
    return np.rint(np.asarray(km, dtype=float) * 1000.0).astype(np.int64)


def personal_staff(elig: Eligibility, ids) -> pd.DataFrame:
    """The movable staff among ``ids`` whose pair can send someone: they get their own node."""
    st = elig.staff
    src = elig.arcs[["from_unit", "position_code"]].drop_duplicates()
    mine = st.loc[st["may_move"] & st["staff_id"].isin(set(ids)), ["staff_id", "unit_code", "position_code"]]
    mine = mine.merge(src, left_on=["unit_code", "position_code"], right_on=["from_unit", "position_code"])
    return mine[["staff_id", "unit_code", "position_code"]].sort_values("staff_id").reset_index(drop=True)


class _Arcs:
    """Columns of the network's arcs, appended block by block (S = −1, T = −2)."""

    def __init__(self):
        self.cols = {k: [] for k in ("tail", "head", "cap", "fill", "change", "inv", "level", "metres",
                                     "kind", "ref")}

    def add(self, tail, head, cap, kind, *, fill=0, change=0, inv=0, level=0, metres=0, ref=-1):
        values = (("tail", tail), ("head", head), ("cap", cap), ("fill", fill), ("change", change),
                  ("inv", inv), ("level", level), ("metres", metres), ("ref", ref))
        sizes = {np.size(v) for _, v in values if np.ndim(v) > 0}
        if len(sizes) > 1:
            raise ValueError(f"arc columns of different lengths {sorted(sizes)}")
        n = sizes.pop() if sizes else 1
        for k, v in values:
            self.cols[k].append(np.broadcast_to(np.asarray(v, dtype=np.int64), (n,)).copy())
        self.cols["kind"].append(np.full(n, kind, dtype=np.int8))

    def frame(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in self.cols.items()}


KIND_SOURCE, KIND_ANON, KIND_PERSON, KIND_MOVE_ANON, KIND_MOVE_PERSON, KIND_SINK, KIND_LIMIT = range(7)


def solve_preferences(elig: Eligibility, *, wishes: pd.DataFrame | None = None,
                      baseline: pd.DataFrame | None = None,
                      max_departures_per_unit: int | None = None, max_arrivals_per_unit: int | None = None,
                      departures_used: dict | None = None, arrivals_used: dict | None = None,
                      time_limit: float = 60.0, int_limit: int = SAFE) -> PreferenceResult:
    """The exact lexicographic optimum of §8 on the eligibility ``elig`` (see the module docstring).

    ``wishes``: staff_id, unit_code, rank. ``baseline``: staff_id, to_unit (earlier transfers).
    Per-unit limits, less what forced moves already used (``departures_used`` / ``arrivals_used``:
    unit → count). ``int_limit`` (tests) lowers the bound above which a component goes to the MIP.
    """
    t0 = time.perf_counter()
    arcs = elig.arcs.reset_index(drop=True)
    use_wishes = wishes is not None
    use_base = baseline is not None
    wishes = wishes if use_wishes else pd.DataFrame(columns=["staff_id", "unit_code", "rank"])
    baseline = baseline if use_base else pd.DataFrame(columns=["staff_id", "to_unit"])
    persons = personal_staff(elig, set(wishes["staff_id"]) | set(baseline["staff_id"]))

    # ---- nodes
    src_key = arcs["from_unit"] + "\x1f" + arcs["position_code"]
    dst_key = arcs["to_unit"] + "\x1f" + arcs["position_code"]
    src_codes, src_names = pd.factorize(src_key, sort=True)
    dst_codes, dst_names = pd.factorize(dst_key, sort=True)
    nP, nD, nI = len(src_names), len(dst_names), len(persons)
    P0, A0, I0, D0 = 0, nP, 2 * nP, 2 * nP + nI
    nxt = D0 + nD
    supply = arcs.groupby(src_codes)["supply"].first().to_numpy(np.int64)
    shortage = arcs.groupby(dst_codes)["shortage"].first().to_numpy(np.int64)
    movable = elig.pairs.assign(k=lambda d: d["unit_code"] + "\x1f" + d["position_code"]).set_index("k")["movable"]
    person_pair = pd.Index(src_names).get_indexer(persons["unit_code"] + "\x1f" + persons["position_code"])
    n_personal = np.bincount(person_pair, minlength=nP) if nI else np.zeros(nP, np.int64)
    n_anon = np.clip(np.minimum(supply, movable.reindex(src_names).to_numpy(np.int64) - n_personal), 0, None)
    prio_of = elig.pairs.drop_duplicates("position_code").set_index("position_code")["priority"]
    dst_prio = pd.Series(dst_names).str.split("\x1f").str[1].map(prio_of).to_numpy(np.int64)

    A = _Arcs()
    ids = np.arange(nP)
    if max_departures_per_unit is None:
        A.add(-1, P0 + ids, supply, KIND_SOURCE)
    else:
        u_codes, u_names = pd.factorize(pd.Series(src_names).str.split("\x1f").str[0], sort=True)
        used = pd.Series(departures_used or {}, dtype="int64").reindex(u_names, fill_value=0).to_numpy()
        cap = np.clip(int(max_departures_per_unit) - used, 0, None)
        A.add(-1, nxt + np.arange(len(u_names)), cap, KIND_LIMIT)
        A.add(nxt + u_codes, P0 + ids, supply, KIND_SOURCE)
        nxt += len(u_names)
    A.add(P0 + ids, A0 + ids, n_anon, KIND_ANON)
    A.add(P0 + person_pair, I0 + np.arange(nI), 1, KIND_PERSON)

    metres = _metres(arcs["km"])
    change_on = 1 if use_base else 0
    inv_on = 1 if use_wishes else 0
    A.add(A0 + src_codes, D0 + dst_codes, np.minimum(arcs["supply"], arcs["shortage"]).to_numpy(np.int64),
          KIND_MOVE_ANON, change=change_on, inv=inv_on, metres=metres, ref=np.arange(len(arcs)))

    # personal moves: every eligible arc of the person's pair
    arc_of_pair = pd.DataFrame({"pair": src_codes, "arc": np.arange(len(arcs))})
    pm = pd.DataFrame({"person": np.arange(nI), "pair": person_pair}).merge(arc_of_pair, on="pair")
    pm["staff_id"] = persons["staff_id"].to_numpy()[pm["person"].to_numpy()] if nI else pd.Series(dtype=object)
    pm["to_unit"] = arcs["to_unit"].to_numpy()[pm["arc"].to_numpy()]
    base = baseline.drop_duplicates("staff_id").set_index("staff_id")["to_unit"]
    in_base = (pm["staff_id"].map(base) == pm["to_unit"]).to_numpy(bool)
    wr = (wishes.groupby(["staff_id", "unit_code"], as_index=False)["rank"].min()
          .rename(columns={"unit_code": "to_unit"}))
    rank = (pm[["staff_id", "to_unit"]].merge(wr, how="left", on=["staff_id", "to_unit"])["rank"]
            .fillna(0).to_numpy(np.int64))
    ranks_used = np.unique(rank[rank > 0])
    level = np.searchsorted(ranks_used, rank) + 1
    level = np.where(rank > 0, level, 0)
    pa = pm["arc"].to_numpy()
    A.add(I0 + pm["person"].to_numpy(), D0 + dst_codes[pa], 1, KIND_MOVE_PERSON,
          change=np.where(in_base, -1, 1) * change_on, inv=np.where(rank > 0, 0, 1) * inv_on,
          level=level, metres=metres[pa], ref=np.arange(len(pm)))

    ids = np.arange(nD)
    if max_arrivals_per_unit is None:
        A.add(D0 + ids, -2, shortage, KIND_SINK, fill=-dst_prio)
    else:
        v_codes, v_names = pd.factorize(pd.Series(dst_names).str.split("\x1f").str[0], sort=True)
        used = pd.Series(arrivals_used or {}, dtype="int64").reindex(v_names, fill_value=0).to_numpy()
        A.add(D0 + ids, nxt + v_codes, shortage, KIND_SINK, fill=-dst_prio)
        A.add(nxt + np.arange(len(v_names)), -2, np.clip(int(max_arrivals_per_unit) - used, 0, None), KIND_LIMIT)
        nxt += len(v_names)
    net = A.frame()
    n_levels = len(ranks_used)
    build = time.perf_counter() - t0

    # ---- components and solving
    t1 = time.perf_counter()
    flow, comps, methods, max_w, status, stages = _solve_components(
        net, nxt, n_levels, use_base, use_wishes, time_limit, int_limit)
    solve = time.perf_counter() - t1

    # ---- results
    fa = flow[net["kind"] == KIND_MOVE_ANON]
    anon = arcs[["from_unit", "to_unit", "position_code", "km", "distance_source"]].assign(flow=fa)
    anon = anon.loc[anon["flow"] > 0].reset_index(drop=True)
    fp = flow[net["kind"] == KIND_MOVE_PERSON] > 0
    chosen = pm.loc[fp]
    personal = pd.DataFrame({
        "staff_id": chosen["staff_id"].to_numpy(),
        "from_unit": arcs["from_unit"].to_numpy()[chosen["arc"].to_numpy()],
        "to_unit": chosen["to_unit"].to_numpy(),
        "position_code": arcs["position_code"].to_numpy()[chosen["arc"].to_numpy()],
        "km": arcs["km"].to_numpy()[chosen["arc"].to_numpy()],
        "distance_source": arcs["distance_source"].to_numpy()[chosen["arc"].to_numpy()],
        "wish_rank": rank[fp],
        "baseline_kept": in_base[fp],
    })
    objective = {
        "weighted_fill": int(-(flow * net["fill"]).sum()),
        "changes_delta": int((flow * net["change"]).sum()) if use_base else None,
        "involuntary": int((flow * net["inv"]).sum()) if use_wishes else None,
        "choices": {int(r): int(flow[(net["kind"] == KIND_MOVE_PERSON)][level == i + 1].sum())
                    for i, r in enumerate(ranks_used)},
        "metres": int((flow * net["metres"]).sum()),
    }
    return PreferenceResult(anon, personal, status, objective, comps, methods, max_w, solve, build, stages)


def _stage_matrix(net, n_levels, use_base, use_wishes) -> list[tuple[str, np.ndarray]]:
    """The objective components in order, each a coefficient per arc."""
    out = [("fill", net["fill"])]
    if use_base:
        out.append(("changes", net["change"]))
    if use_wishes:
        out.append(("involuntary", net["inv"]))
        for i in range(n_levels):
            out.append((f"choice_{i + 1}", -(net["level"] == i + 1).astype(np.int64)))
    out.append(("metres", net["metres"]))
    return out


def _spans(net, idx, stages, person_of_arc) -> list[int]:
    """Width of each objective component over the feasible flows of one component (Python ints)."""
    kind, cap = net["kind"][idx], net["cap"][idx]
    heads = net["head"][idx]
    from_s = (net["tail"][idx] == -1)
    sink = kind == KIND_SINK
    n_max = int(min(cap[from_s].sum(), cap[sink].sum()))
    move = (kind == KIND_MOVE_ANON) | (kind == KIND_MOVE_PERSON)
    out = []
    for name, coef in stages:
        c = coef[idx]
        if name == "fill":
            out.append(int((-c[sink] * cap[sink]).sum()))
        elif name == "changes":
            out.append(n_max + int((c[move] < 0).sum()))
        elif name == "involuntary":
            out.append(n_max)
        elif name.startswith("choice_"):
            hit = move & (c != 0)
            out.append(int(len(np.unique(person_of_arc[idx][hit]))))
        else:   # metres: Σ_D shortage(D) · the longest arc into D
            m = net["metres"][idx][move]
            longest = pd.Series(m).groupby(heads[move]).max()
            short = pd.Series(cap[sink], index=net["tail"][idx][sink])
            out.append(int((longest * short.reindex(longest.index).fillna(0).astype(np.int64)).sum()))
    return out


def _weights(spans: list[int]) -> list[int]:
    w = [1] * len(spans)
    for j in range(len(spans) - 2, -1, -1):
        w[j] = 1 + sum(w[k] * spans[k] for k in range(j + 1, len(spans)))
    return w


def _solve_components(net, n_nodes, n_levels, use_base, use_wishes, time_limit, int_limit):
    tail, head = net["tail"], net["head"]
    inner = (tail >= 0) & (head >= 0)
    g = sp.coo_matrix((np.ones(int(inner.sum())), (tail[inner], head[inner])), shape=(n_nodes, n_nodes))
    n_comp, label = connected_components(g, directed=False)
    arc_comp = label[np.where(tail >= 0, tail, head)]
    order = np.argsort(arc_comp, kind="stable")
    bounds = np.searchsorted(arc_comp[order], np.arange(n_comp + 1))
    stages = _stage_matrix(net, n_levels, use_base, use_wishes)
    # the person of a personal move arc (its tail node), for the choice spans
    person_of_arc = np.where(net["kind"] == KIND_MOVE_PERSON, tail, -1)
    flow = np.zeros(len(tail), dtype=np.int64)
    methods = {"min_cost_flow": 0, "mip": 0}
    max_w, status, reports = 0, "optimal", []
    for c in range(n_comp):
        idx = order[bounds[c]:bounds[c + 1]]
        if len(idx) == 0 or not (net["kind"][idx] == KIND_SINK).any():
            continue
        spans = _spans(net, idx, stages, person_of_arc)
        weights = _weights(spans)
        max_w = max(max_w, weights[0])
        coefs = [s[1][idx] for s in stages]
        bound = sum(w * int(np.abs(cf).max(initial=0)) for w, cf in zip(weights, coefs))
        nodes = np.unique(np.concatenate([tail[idx][tail[idx] >= 0], head[idx][head[idx] >= 0]]))
        cap = net["cap"][idx]
        safe = bound * (len(nodes) + 3) < int_limit and bound * (int(cap.sum()) * 2 + 1) < int_limit
        x = None
        if safe:
            cost = np.zeros(len(idx), dtype=np.int64)
            for w, cf in zip(weights, coefs):
                cost += np.int64(w) * cf
            x = _network(tail[idx], head[idx], cap, cost, nodes)
            if x is not None:
                methods["min_cost_flow"] += 1
        if x is None:
            x, st, rep = _mip_stages(tail[idx], head[idx], cap, coefs, [s[0] for s in stages], nodes, time_limit)
            methods["mip"] += 1
            reports.append({"component": int(c), "arcs": int(len(idx)), **rep})
            if st != "optimal":
                status = "feasible"
        flow[idx] = x
    return flow, int(n_comp), methods, max_w, status, reports


def _local(tail, head, nodes):
    n = len(nodes)
    S, T = n, n + 1
    lt = np.where(tail == -1, S, np.searchsorted(nodes, tail))
    lh = np.where(head == -2, T, np.searchsorted(nodes, head))
    return lt.astype(np.int32), lh.astype(np.int32), S, T


def _network(tail, head, cap, cost, nodes):
    """OR-Tools min-cost flow on one component (a bypass S → T); None on BAD_COST_RANGE."""
    lt, lh, S, T = _local(tail, head, nodes)
    total = int(cap[tail == -1].sum())
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(lt, lh, cap.astype(np.int64), cost.astype(np.int64))
    smcf.add_arc_with_capacity_and_unit_cost(S, T, total, 0)
    smcf.set_node_supply(S, total)
    smcf.set_node_supply(T, -total)
    st = smcf.solve()
    if st == smcf.BAD_COST_RANGE:
        return None
    if st != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {st}")
    return smcf.flows(np.arange(len(tail), dtype=np.int32))


def _mip_stages(tail, head, cap, coefs, names, nodes, time_limit):
    """The component as a MIP, one objective component at a time (each optimum then fixed)."""
    lt, lh, S, T = _local(tail, head, nodes)
    total = int(cap[tail == -1].sum())
    n = len(tail) + 1                       # + the bypass
    lt = np.append(lt, S)
    lh = np.append(lh, T)
    ub = np.append(cap, total).astype(float)
    m = len(nodes) + 2
    inc = sp.coo_matrix((np.concatenate([np.ones(n), -np.ones(n)]),
                         (np.concatenate([lt, lh]), np.concatenate([np.arange(n), np.arange(n)]))),
                        shape=(m, n)).tocsr()
    b = np.zeros(m)
    b[S], b[T] = total, -total
    rows = [LinearConstraint(inc, b, b)]
    x, report, status = None, {"stages": []}, "optimal"
    for name, cf in zip(names, coefs):
        c = np.append(cf, 0).astype(float)
        res = milp(c, constraints=rows, integrality=np.ones(n), bounds=Bounds(np.zeros(n), ub),
                   options={"mip_rel_gap": 0.0, "time_limit": float(time_limit), "disp": False})
        if res.x is None:
            status = "feasible" if x is not None else "infeasible"
            report["stages"].append({"stage": name, "status": res.message})
            break
        x = np.rint(res.x).astype(np.int64)
        value = int(np.dot(np.append(cf, 0), x))
        report["stages"].append({"stage": name, "status": "optimal" if res.status == 0 else res.message,
                                 "value": value})
        if res.status != 0:
            status = "feasible"
            break
        rows.append(LinearConstraint(c.reshape(1, -1), -np.inf, value + 0.5))
    if x is None:
        raise RuntimeError("the MIP found no plan for a component (never expected: moving nobody is a plan)")
    return x[:-1], status, report
