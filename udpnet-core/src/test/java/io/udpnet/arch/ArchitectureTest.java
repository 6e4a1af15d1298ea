package io.udpnet.arch;

import io.udpnet.ConnectionConfig;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of udpnet-core, read from its compiled classes: which package may use which. Every reference a class
 * file makes (class names, field and method descriptors, signatures) is in its constant pool, so reading the pool
 * finds them all, including those that no import line shows. A new upward import or a cycle fails here.
 */
class ArchitectureTest {
    /** Each package and the udpnet packages it may use; anything absent from the table is a failure too. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "io.udpnet.wire", Set.of(),
            "io.udpnet", Set.of("io.udpnet.wire"),
            "io.udpnet.engine", Set.of("io.udpnet", "io.udpnet.wire"),
            "io.udpnet.jfr", Set.of(),
            "io.udpnet.io", Set.of("io.udpnet.jfr"),
            "io.udpnet.dtls", Set.of("io.udpnet.io"),
            "io.udpnet.transport", Set.of("io.udpnet.io", "io.udpnet.dtls"),
            "io.udpnet.messaging", Set.of("io.udpnet", "io.udpnet.engine", "io.udpnet.io", "io.udpnet.jfr",
                    "io.udpnet.dtls"),
            "io.udpnet.impair", Set.of(),
            "io.udpnet.sim", Set.of("io.udpnet", "io.udpnet.engine", "io.udpnet.impair"));
    private static final Pattern UDPNET_CLASS = Pattern.compile("io/udpnet/((?:[a-z0-9]+/)*)[A-Za-z0-9_$]+");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws Exception {
        Map<String, Set<String>> uses = packageDependencies();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            Set<String> allowed = ALLOWED.get(e.getKey());
            if (allowed == null) {
                wrong.add(e.getKey() + " is not in the table of layers");
                continue;
            }
            for (String used : e.getValue()) {
                if (!allowed.contains(used)) {
                    wrong.add(e.getKey() + " -> " + used);
                }
            }
        }
        assertEquals(List.of(), wrong, "package dependencies outside the layers; all of them: " + uses);
    }

    @Test
    void noPackageCycles() throws Exception {
        Map<String, Set<String>> uses = packageDependencies();
        List<String> cycles = new ArrayList<>();
        for (String from : uses.keySet()) {
            for (String to : uses.get(from)) {
                if (reaches(uses, to, from, new TreeSet<>())) {
                    cycles.add(from + " -> " + to);
                }
            }
        }
        assertEquals(List.of(), cycles, "edges on a cycle");
    }

    @Test
    void theReaderFindsReferencesThatNoImportShows() throws Exception {
        // A check of the check: ServerShard names engine types only through fields and calls.
        Set<String> messaging = packageDependencies().get("io.udpnet.messaging");
        assertTrue(messaging.contains("io.udpnet.engine") && messaging.contains("io.udpnet.io"), "read: " + messaging);
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : uses.getOrDefault(from, Set.of())) {
            if (reaches(uses, next, target, seen)) {
                return true;
            }
        }
        return false;
    }

    /** For every package of udpnet-core's classes, the other udpnet packages its class files refer to. */
    static Map<String, Set<String>> packageDependencies() throws IOException, URISyntaxException {
        Path root = Path.of(ConnectionConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(p).toString().replace('\\', '/');
                if (name.equals("module-info.class") || name.endsWith("package-info.class")) {
                    continue;
                }
                String pkg = name.substring(0, name.lastIndexOf('/')).replace('/', '.');
                Set<String> set = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                try (InputStream in = Files.newInputStream(p)) {
                    for (String s : utf8Constants(in)) {
                        Matcher m = UDPNET_CLASS.matcher(s);
                        while (m.find()) {
                            String dir = m.group(1);
                            String used = "io.udpnet" + (dir.isEmpty() ? "" : "." + dir.substring(0, dir.length() - 1)
                                    .replace('/', '.'));
                            if (!used.equals(pkg)) {
                                set.add(used);
                            }
                        }
                    }
                }
            }
        }
        return uses;
    }

    /** The CONSTANT_Utf8 entries of a class file's constant pool (JVMS 4.4). */
    private static List<String> utf8Constants(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        List<String> out = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> out.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return out;
    }
}
