package io.certfn.certs;

/** Two certfn processes on one GCS bucket (the in-test JSON-API server). */
class GcsClusterIT extends ClusterContract {

    GcsClusterIT() {
        super("gcs");
    }
}
