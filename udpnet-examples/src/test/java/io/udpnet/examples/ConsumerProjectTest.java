package io.udpnet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A project outside the build, as a user would write it from the README: its {@code <dependency>} snippet, its
 * {@code requires io.udpnet;} line and its server and client code, compiled by Maven offline against what
 * {@code mvn install} put in the local repository, then run on the module path. Runs after the install
 * ({@code bin/test} does both); in a plain {@code mvn verify} nothing is installed yet, so it is off.
 */
@EnabledIfSystemProperty(named = "udpnet.consumer.check", matches = "true",
        disabledReason = "needs the artifacts of 'mvn install' (bin/test runs it with -Dudpnet.consumer.check=true)")
@Timeout(300)
class ConsumerProjectTest {
    /** The modules published with their sources and javadoc jars. */
    private static final List<String> PUBLISHED = List.of("udpnet-core", "udpnet-native", "udpnet-micrometer",
            "udpnet-coap", "udpnet-cli");

    @Test
    void theReadmeSnippetsBuildAgainstTheInstalledArtifactsAndEcho(@TempDir Path dir) throws Exception {
        Path root = projectRoot();
        String parentPom = Files.readString(root.resolve("pom.xml"));
        String version = first(parentPom, "<artifactId>udpnet-parent</artifactId>\\s*<version>([^<]+)</version>");
        Path repo = localRepository();
        for (String module : PUBLISHED) {
            for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
                Path artifact = repo.resolve("io/udpnet/" + module + "/" + version + "/" + module + "-" + version + suffix);
                assertTrue(Files.isRegularFile(artifact), "not installed: " + artifact);
            }
        }

        String readme = Files.readString(root.resolve("README.md"));
        String useIt = section(readme, "## Use it in your project");
        String dependency = block(useIt, "xml");
        String requires = block(useIt, "java");
        assertTrue(requires.contains("requires io.udpnet;"), requires);
        String usage = block(section(readme, "## Using the library"), "java");

        Path sources = dir.resolve("src/main/java/consumer");
        Files.createDirectories(sources);
        Files.writeString(dir.resolve("pom.xml"), pom(dependency, parentPom));
        Files.writeString(dir.resolve("src/main/java/module-info.java"),
                "module consumer {\n    " + requires.strip() + "\n}\n");
        Files.writeString(sources.resolve("Main.java"), program(usage));

        run(dir, 240, mvn(), "-B", "-q", "-o", "compile");
        Path core = repo.resolve("io/udpnet/udpnet-core/" + version + "/udpnet-core-" + version + ".jar");
        String out = run(dir, 60, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", dir.resolve("target/classes") + java.io.File.pathSeparator + core, "-m", "consumer/consumer.Main");
        assertTrue(out.contains("reply: hello"), out);
    }

    /** The README's server (in a thread of its own, as it runs until stopped) and then its client, unchanged. */
    private static String program(String usage) {
        int server = usage.indexOf("try (MessageServer server");
        int client = usage.indexOf("// Client");
        int clientTry = usage.indexOf("try (MessageClient client");
        assertTrue(server > 0 && client > server && clientTry > client, "README usage changed shape:\n" + usage);
        String config = usage.substring(0, usage.lastIndexOf("//", server));
        String serverCode = usage.substring(server, client).strip();
        String clientCode = usage.substring(clientTry).strip();
        // The client's reply is a local of its try block: print it before the block ends.
        int end = clientCode.lastIndexOf('}');
        clientCode = clientCode.substring(0, end)
                + "    System.out.println(\"reply: \" + new String(reply.data(), UTF_8));\n}";
        return """
                package consumer;

                import io.udpnet.ConnectionConfig;
                import io.udpnet.Delivery;
                import io.udpnet.io.ServerMode;
                import io.udpnet.messaging.*;

                import java.io.IOException;
                import java.net.InetSocketAddress;
                import java.time.Duration;

                import static java.nio.charset.StandardCharsets.UTF_8;

                public final class Main {
                    public static void main(String[] args) throws Exception {
                %s
                        Thread.ofPlatform().daemon().start(() -> {
                            try {
                %s
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
                        // The server binds in its own thread: the client tries again until it has.
                        for (int attempt = 1; ; attempt++) {
                            try {
                %s
                                System.exit(0);
                            } catch (ConnectFailedException e) {
                                if (attempt == 20) {
                                    throw e;
                                }
                                Thread.sleep(250);
                            }
                        }
                    }
                }
                """.formatted(config, serverCode, clientCode);
    }

    private static String pom(String dependency, String parentPom) {
        String compiler = first(parentPom, "<artifactId>maven-compiler-plugin</artifactId>\\s*<version>([^<]+)</version>");
        String resources = first(parentPom, "<artifactId>maven-resources-plugin</artifactId>\\s*<version>([^<]+)</version>");
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>consumer</groupId>
                  <artifactId>consumer</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>21</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dependency, compiler, resources);
    }

    private static String run(Path dir, int seconds, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && cmd.get(0).endsWith("mvn")) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + ": still running after " + seconds + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    private static String mvn() {
        String home = System.getProperty("maven.home");
        return home != null && Files.isExecutable(Path.of(home, "bin", "mvn")) ? Path.of(home, "bin", "mvn").toString()
                : "mvn";
    }

    private static Path localRepository() {
        String repo = System.getProperty("maven.repo.local");
        return repo != null ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "no README.md above " + Path.of("").toAbsolutePath());
        return dir;
    }

    /** The text of a README section, from its heading to the next heading of the same level. */
    private static String section(String readme, String heading) {
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README has no section " + heading);
        int end = readme.indexOf("\n## ", start + heading.length() + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The first fenced code block of the given language in {@code text}. */
    private static String block(String text, String language) {
        return first(text, "```" + language + "\\n(.*?)```");
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertTrue(m.find(), "not found: " + regex);
        return m.group(1);
    }
}
