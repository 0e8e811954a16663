"""The ``kg`` commands that live in modules of their own (``kg.cli`` registers them by name, with
its own, in one list): viz (kg viz, kg compare), cypher (kg push), eval (kg eval), schema
(kg schema); common holds what every command shares (``--db``, opening the workspace)."""
