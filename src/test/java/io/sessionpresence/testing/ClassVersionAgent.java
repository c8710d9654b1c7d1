package io.sessionpresence.testing;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * A Java agent for the fuzzing run only ({@code -javaagent}, see the pom's {@code fuzz} execution):
 * Jazzer 0.24.0 reads classes with a bundled ASM that stops at Java 23 (class-file version 67) and
 * a JaCoCo that reaches one version further, so it cannot instrument this project's Java 25 (69)
 * classes and fuzzes them blind ("Is the code instrumented for coverage?"). Loaded before Jazzer,
 * this relabels them as version 67 as they load: their bytecode uses nothing newer, and the JVM
 * runs an older version as it is. Not retransformation-capable, so it runs first on every load and
 * Jazzer's later retransformations start from its output.
 */
public final class ClassVersionAgent {
    private static final String OURS = "io/sessionpresence/";
    private static final int JAVA_23 = 67;

    private ClassVersionAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        instrumentation.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                if (className == null || !className.startsWith(OURS) || majorVersion(bytes) <= JAVA_23) {
                    return null;
                }
                byte[] relabelled = bytes.clone();
                relabelled[6] = (byte) (JAVA_23 >> 8);
                relabelled[7] = (byte) JAVA_23;
                return relabelled;
            }
        }, false);
    }

    /** Bytes 6 and 7 of a class file, after the magic number and the minor version. */
    private static int majorVersion(byte[] bytes) {
        return ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
    }
}
