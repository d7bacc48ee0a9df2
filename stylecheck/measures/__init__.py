"""Measures computed from the signal: numbers in, no model of style."""
