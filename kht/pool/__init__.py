"""The shared customer pool (公海): claiming, releasing and reclaim rules."""
