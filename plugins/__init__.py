"""The five industry business-model packs shipped with kht, each an ordinary plugin."""
