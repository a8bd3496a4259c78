CREATE TRIGGER `events_append_only_update` BEFORE UPDATE ON `events`
BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `events_append_only_delete` BEFORE DELETE ON `events`
BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
