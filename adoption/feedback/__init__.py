"""Staff feedback: an anonymous survey reached by a shareable link, the net experience score
per area and week (``score``), and "you said, we did" themes."""
