"""Preview and print: the decision's documents on screen and on paper."""
