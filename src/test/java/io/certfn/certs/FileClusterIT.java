package io.certfn.certs;

/** Two certfn processes on one store folder. */
class FileClusterIT extends ClusterContract {

    FileClusterIT() {
        super("file");
    }
}
