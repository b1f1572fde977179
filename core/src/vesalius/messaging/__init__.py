"""Messages to patients: the kinds a clinic sends (``kinds``), their rendering from
clinic-editable sandboxed templates (``render``) and the outbox that queues them in the
same transaction as the change that caused them (``outbox``). The worker sends what is due.
No clinical content ever goes into a message."""
