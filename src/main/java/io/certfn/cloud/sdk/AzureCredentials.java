package io.certfn.cloud.sdk;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.time.Duration;

/** Azure's default credential chain (the Function App's managed identity on Azure). */
public final class AzureCredentials {

    private AzureCredentials() {
    }

    /**
     * Given its HTTP client rather than left to find one: azure-core finds a default client through
     * ServiceLoader, which a Quarkus native image does not run (GraalVM's service-loader feature is off).
     */
    public static TokenCredential defaultChain() {
        return new DefaultAzureCredentialBuilder()
                .httpClient(new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(3)).build())
                .build();
    }
}
