package io.certfn.acme;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.shredzone.acme4j.provider.actalis.ActalisAcmeProvider;
import org.shredzone.acme4j.provider.google.GoogleAcmeProvider;
import org.shredzone.acme4j.provider.letsencrypt.LetsEncryptAcmeProvider;
import org.shredzone.acme4j.provider.pebble.PebbleAcmeProvider;
import org.shredzone.acme4j.provider.sslcom.SslComAcmeProvider;
import org.shredzone.acme4j.provider.zerossl.ZeroSSLAcmeProvider;

/**
 * What acme4j looks up at run time, kept in a native image. A Quarkus native image does not run
 * GraalVM's service-loader feature, so acme4j's ServiceLoader finds the providers behind {@code
 * acme://} directory URIs only when their classes are registered here and their services file is a
 * resource ({@code quarkus.native.resources.includes} in application.properties, with acme4j's
 * version file for the User-Agent and Pebble's root for {@code acme://pebble}). Plain https
 * directories use acme4j's generic provider, which needs neither.
 */
@RegisterForReflection(targets = { ActalisAcmeProvider.class, GoogleAcmeProvider.class, LetsEncryptAcmeProvider.class,
    PebbleAcmeProvider.class, SslComAcmeProvider.class, ZeroSSLAcmeProvider.class })
final class Acme4jNativeSupport {

    private Acme4jNativeSupport() {
    }
}
