"""What the Rasa server loads besides the NLU: the website channel, the stores, and the Rasa compatibility module."""
