"""Who the person at this machine is: their signing key, kept in their config folder."""
