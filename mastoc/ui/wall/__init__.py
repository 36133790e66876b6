"""The wall: photo and hold items (`scene`, `items`), zoom/pan (`view`), picking (`model`), baked
overlays (`overlay`), heatmap values (`heat`) and the interaction modes (`modes`)."""
