package io.udpnet.coap;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * The layers of udpnet-coap, read from the constant pools of its compiled classes (as udpnet-core's
 * ArchitectureTest does for the core): the codec uses no other udpnet package, the server and client use the codec
 * and the transport, and nothing else.
 */
class CoapArchitectureTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "io.udpnet.coap.message", Set.of(),
            "io.udpnet.coap", Set.of("io.udpnet.coap.message", "io.udpnet.transport"));
    private static final Pattern UDPNET_CLASS = Pattern.compile("io/udpnet/((?:[a-z0-9]+/)*)[A-Za-z0-9_$]+");

    @Test
    void packagesUseOnlyTheirLayers() throws Exception {
        Path root = Path.of(CoapServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(p).toString().replace('\\', '/');
                if (name.equals("module-info.class")) {
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
        List<String> wrong = new ArrayList<>();
        uses.forEach((pkg, used) -> {
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                wrong.add(pkg + " is not in the table of layers");
                return;
            }
            used.stream().filter(u -> !allowed.contains(u)).forEach(u -> wrong.add(pkg + " -> " + u));
        });
        assertEquals(List.of(), wrong, "all dependencies: " + uses);
        assertEquals(ALLOWED.get("io.udpnet.coap"), uses.get("io.udpnet.coap"), "the reader finds both edges");
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
