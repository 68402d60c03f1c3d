"""One construct per architecture pattern; each receives the shared Platform."""
