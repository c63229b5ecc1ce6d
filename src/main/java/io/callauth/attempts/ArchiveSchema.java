package io.callauth.attempts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.flywaydb.core.Flyway;

/** The attempt archive's schema in PostgreSQL: migrated once per process, before the first read or write. */
@ApplicationScoped
public class ArchiveSchema {

    private final Instance<Flyway> flyway;
    private volatile boolean migrated;

    public ArchiveSchema(Instance<Flyway> flyway) {
        this.flyway = flyway;
    }

    /** Migrates the schema once per process (Flyway's own lock keeps replicas from migrating at the same time). */
    public void ensureSchema() {
        if (!migrated) {
            synchronized (this) {
                if (!migrated) {
                    flyway.get().migrate();
                    migrated = true;
                }
            }
        }
    }
}
