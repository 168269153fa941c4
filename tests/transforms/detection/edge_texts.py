"""Texts at the edges of what detection gets (empty, blank, one letter, non-ASCII, several entities),
shared by the tests that compare a child process's results with detection in process."""

EDGE_TEXTS = [
    "",
    "   ",
    "x",
    "Call +44 20 7946 0958 or write to ana.lopez@example.org",
    "Ünïcödé Łukasz Żółć in Kraków",
]
