"""The demand picture: what countries ask for and what nothing serves, recorded only when the
deployment turns it on."""
