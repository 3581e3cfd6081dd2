package io.certfn.delivery;

import java.util.List;

/**
 * One certificate as a delivery target takes it.
 *
 * @param storageId the certificate's id in certfn's store, written into the target's tags or labels
 * @param names its names, first as requested
 * @param serial its serial number (hex)
 * @param leaf the leaf certificate (PEM)
 * @param chain the issuer chain without the leaf (PEM)
 * @param privateKey the private key (PEM, PKCS#8); never logged
 */
public record Shipment(String storageId, List<String> names, String serial, String leaf, String chain, String privateKey) {

    @Override
    public String toString() {
        return "Shipment[" + names + ", serial " + serial + "]";
    }
}
