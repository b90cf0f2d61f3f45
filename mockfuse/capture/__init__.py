"""What arrived, per tenant, in sequence: the store, test windows, the journal, fault rules."""
