"""What a style is: the label set of the learned categories, the words a prompt uses for each
label (vocabulary) and for the measured categories (attribute words), the prompt parsers, the
decision rule that turns probabilities into one answer per category, and the rule that says when
the classifier is too unreliable to trust. Plain data and functions: no torch, no model."""
