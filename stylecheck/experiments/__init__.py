"""The paper's experiments and the model protocol: each runs models on corpora and writes its
tables and figures (Table 2 evaluation, the agreement analysis of Figure 5 / Table 1, the emotion
probe of Figure 4, the v2 evaluation protocol). They use analysis for the numbers and reporting
for the pages; nothing below imports them."""
