package io.certfn.testing;

/** Stops what a test class started, every one of them even when one fails to close. */
public final class Closing {

    private Closing() {
    }

    /** Closes each non-null resource in order; the first failure is thrown after all were tried. */
    public static void all(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
