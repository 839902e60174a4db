"""Reusable widgets: image view, file list, profile editor, watermark designer, output settings, dialogs."""
