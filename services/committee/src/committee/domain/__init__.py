"""The committee's rules, with no I/O: the docket, members and their conflicts of interest,
sessions and their decisions, the calls' budgets and the revolving fund, partners and their
capacity. Every change returns the new state and the contract events it raises."""
