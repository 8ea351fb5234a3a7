"""The page's views, one blueprint each: the plan, the intake of the units' lists, and the
decision with the certificates and the later papers."""
