package io.certfn.cloud.sdk;

import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.util.function.Supplier;

/** OAuth access tokens for Google's REST APIs from Application Default Credentials (on Cloud Run, the service account). */
public final class GoogleTokens {

    private GoogleTokens() {
    }

    /** A token for {@code scope}, fetched at first use and refreshed before it expires. */
    public static Supplier<String> applicationDefault(String scope) {
        return new Supplier<>() {
            private GoogleCredentials credentials;

            @Override
            public synchronized String get() {
                try {
                    if (credentials == null) {
                        credentials = GoogleCredentials.getApplicationDefault().createScoped(scope);
                    }
                    credentials.refreshIfExpired();
                    return credentials.getAccessToken().getTokenValue();
                } catch (IOException e) {
                    throw new IllegalStateException("Application Default Credentials: " + e.getMessage(), e);
                }
            }
        };
    }
}
