"""The Qt window: thin assemblies of panels that call services and redraw from what they say."""
