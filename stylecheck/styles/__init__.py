"""Style categories, the words prompts use for them, and how a prompt is read."""
