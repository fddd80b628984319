package org.lexikon.neo4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded, with Bolt on 127.0.0.1 only.
 *
 * <pre>java -cp "target/neo4j-embedded-1.0.0.jar:target/lib/*" org.lexikon.neo4j.Main DATA_DIR PORT [--warmup] [--exit-on-stdin-eof]</pre>
 *
 * Authentication: when the environment variable NEO4J_PASSWORD is set (at least 8 characters, Neo4j's
 * minimum), auth is on and the user {@code neo4j} gets that password; otherwise auth is off, which is
 * acceptable only because Bolt listens on loopback (tests, benchmarks, a developer's machine).
 *
 * Prints {@code NEO4J_READY bolt://127.0.0.1:PORT} once Bolt accepts connections; the launcher waits for
 * that line. SIGTERM/SIGINT shut the database down cleanly through the shutdown hook.
 *
 * {@code --warmup} starts, runs one query and exits (a smoke test of a fresh build).
 *
 * {@code --exit-on-stdin-eof} shuts down when standard input closes: the launcher keeps a pipe open, so a
 * launcher that dies without stopping us (SIGKILL, a crashed test runner) does not leave a JVM behind.
 */
public final class Main {
    private static final String READY_LINE = "NEO4J_READY";
    private static final int MIN_PASSWORD_LENGTH = 8;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Main DATA_DIR PORT [--warmup] [--exit-on-stdin-eof]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        List<String> flags = Arrays.asList(args).subList(2, args.length);
        boolean warmup = flags.contains("--warmup");
        boolean exitOnStdinEof = flags.contains("--exit-on-stdin-eof");
        String password = System.getenv("NEO4J_PASSWORD");
        boolean authEnabled = password != null && !password.isEmpty();
        if (authEnabled && password.length() < MIN_PASSWORD_LENGTH) {
            System.err.println("NEO4J_PASSWORD must have at least " + MIN_PASSWORD_LENGTH + " characters");
            System.exit(2);
        }

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(dataDir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, authEnabled)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (authEnabled) setPassword(service, password);
        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        // Touch the default database so the first client does not pay for its start-up.
        db.executeTransactionally("RETURN 1");
        if (warmup) {
            db.executeTransactionally("MATCH (n) RETURN count(n)");
            System.out.println("NEO4J_WARMED_UP");
            System.exit(0);
        }
        if (exitOnStdinEof) exitWhenStdinCloses();
        System.out.println(READY_LINE + " bolt://127.0.0.1:" + port + (authEnabled ? " auth=on" : " auth=off"));
        System.out.flush();
        stopped.await();
    }

    private static void exitWhenStdinCloses() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // Nothing is ever sent; we only wait for the end of the stream.
                }
            } catch (IOException e) {
                // A broken pipe means the same thing as EOF: the launcher is gone.
            }
            System.exit(0); // runs the shutdown hook
        }, "neo4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Idempotent: the stored password is replaced on every start, so a changed variable takes effect. */
    private static void setPassword(DatabaseManagementService service, String password) {
        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the value it already has: that is the state we want.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) throw e;
        }
    }

    private Main() {}
}
