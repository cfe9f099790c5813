"""A small, realistic scenario driven through the services' HTTP APIs only.

Per territory: a call for applications, a partner company offering competences,
three committee members (one with a conflict of interest). Applications from
firms and from a person with no firm yet, one screened ineligible, one
withdrawn; a committee session approving (with partners and advances),
rejecting and deferring in one request. Then the support and its outcomes:
staff-loan conventions signed, mission days logged by the partner and
confirmed (or disputed) by the host firm, one refused over the budget, missions
closed with an evaluation; headcount declarations (a later one superseding an
earlier one); advances disbursed on a schedule and repaid in part; a guidance
track for a person creating their own job, and the survival of firms created
through guidance in earlier years (recorded from the network's history).

Three modules:
- `cases`: the scenario's data (`Case`, `Guidance`, `cases()`);
- `oracle`: what the metrics service must show for some cases (`expected_metrics`),
  computed from the cases alone, independently of the services' code;
- `driver`: the HTTP calls that play cases against a running stack (`run`,
  `set_up_network`, `apply`, `hold_session`, `run_outcomes`, `wait_for_metrics`).
"""
