"""Writers that turn the demo's world into each platform's real export format."""
