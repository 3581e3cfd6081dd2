package io.certfn.certs;

/** Two certfn processes on one S3 bucket (moto_server). */
class S3ClusterIT extends ClusterContract {

    S3ClusterIT() {
        super("s3");
    }
}
