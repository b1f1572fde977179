"""Hook implementations of the podiatry pack."""
