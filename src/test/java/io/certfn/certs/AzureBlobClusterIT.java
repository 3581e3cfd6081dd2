package io.certfn.certs;

/** Two certfn processes on one Azure Blob container (Azurite). */
class AzureBlobClusterIT extends ClusterContract {

    AzureBlobClusterIT() {
        super("azure-blob");
    }
}
