"""The planner tests need no Django; run them with `pytest planner/tests -p no:django`."""
