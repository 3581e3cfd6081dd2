// certfn on Azure Functions (Linux, Consumption or Flex Consumption, Java 17 worker or the native custom
// handler): a Function App with a system-assigned managed
// identity; certfn's own storage account (shared keys off) whose `certfn` container is its store and
// lock; the Functions host's storage account apart; the data key in Key Vault; role assignments for
// the container, the DNS zone and the key's secret; Application Insights; the app's own renewal timer.

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Name prefix of the resources (letters and digits; used in lower case).')
@minLength(3)
@maxLength(11)
param prefix string = 'certfn'

@description('An Azure DNS zone in this resource group that certfn writes _acme-challenge records into.')
param dnsZoneName string

@description('The ACME CA\'s directory URL: Let\'s Encrypt staging by default; production once everything works.')
param acmeDirectory string = 'https://acme-staging-v02.api.letsencrypt.org/directory'

@description('Contact address of the ACME account.')
param acmeEmail string = ''

@description('Base64 of 32 random bytes (openssl rand -base64 32): private keys are sealed with it.')
@secure()
param encryptionKey string

@description('The audiences certfn accepts, comma separated: the application ID URI (api://certfn) and, since v2 tokens carry it as their audience, the app registration\'s client id.')
param tokenAudience string

@description('Turn on App Service authentication (Entra ID) in front of certfn with this app registration\'s client id, and let certfn trust the principal it verified (X-MS-CLIENT-PRINCIPAL). Empty: off; certfn verifies tokens itself.')
param appServiceAuthClientId string = ''

@description('certfn\'s policy as one-line JSON.')
param policy string

@description('java: the Java worker runs the JVM build (-Pazure); custom: the Functions host runs the native custom handler (deploy-azure/package-custom-handler.sh).')
@allowed([ 'java', 'custom' ])
param workerRuntime string = 'java'

@description('consumption: the Linux Consumption plan (retired by Microsoft in September 2028); flex: Flex Consumption (FC1), its successor, which deploys from a blob container and reads no FUNCTIONS_WORKER_RUNTIME or WEBSITE_RUN_FROM_PACKAGE.')
@allowed([ 'consumption', 'flex' ])
param hostingPlan string = 'consumption'

@description('Flex Consumption only: the most instances the app scales out to.')
param maximumInstanceCount int = 40

var flex = hostingPlan == 'flex'
var name = toLower(prefix)
var suffix = uniqueString(resourceGroup().id)
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var dnsZoneContributor = 'befefa01-2a29-4197-83a8-272ff33ce314'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var appServiceAuth = !empty(appServiceAuthClientId)

// The Functions host's own state (timer locks, keys); it needs an account key, so it is not certfn's.
resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('${name}h${suffix}', 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

// certfn's store: reachable with the managed identity only (no account key can open it).
// Flex Consumption deploys the app's package from this container of the host's account.
resource hostBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = if (flex) {
  parent: hostStorage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (flex) {
  parent: hostBlobService
  name: 'app-package'
  properties: { publicAccess: 'None' }
}

var hostStorageConnection = 'DefaultEndpointsProtocol=https;AccountName=${hostStorage.name};AccountKey=${hostStorage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('${name}s${suffix}', 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'certfn'
  properties: { publicAccess: 'None' }
}

// The data key, readable by the app's identity only, referenced from the app settings.
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}kv${suffix}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource keySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'certfn-encryption-key'
  properties: { value: encryptionKey }
}

// Pinned to this version: every instance seals with the same key (rotation: README).
var encryptionKeyReference = '@Microsoft.KeyVault(SecretUri=${keySecret.properties.secretUriWithVersion})'

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights-${suffix}'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web' }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan-${suffix}'
  location: location
  sku: flex ? { name: 'FC1', tier: 'FlexConsumption' } : { name: 'Y1', tier: 'Dynamic' }
  kind: 'functionapp'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: flex ? null : (workerRuntime == 'java' ? 'Java|17' : '')
      minTlsVersion: '1.2'
      // Flex Consumption takes the runtime from functionAppConfig and refuses these settings.
      appSettings: concat(flex ? [] : [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: workerRuntime }
        // Kept on every deployment: without it a re-run of this template leaves the app serving nothing until the zip is pushed again.
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
      ], [
        // The Functions host's own state (timer locks) in its own account; certfn's objects use the managed identity.
        { name: 'AzureWebJobsStorage', value: hostStorageConnection }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        // No /api prefix: certfn's own paths (/api/certificate, /healthz) are the URLs.
        { name: 'AzureFunctionsJobHost__extensions__http__routePrefix', value: '' }
        { name: 'CERTFN_ACME_DIRECTORY', value: acmeDirectory }
        { name: 'CERTFN_ACME_EMAIL', value: acmeEmail }
        { name: 'CERTFN_STORE_TYPE', value: 'azure-blob' }
        { name: 'CERTFN_STORE_AZURE_ENDPOINT', value: storage.properties.primaryEndpoints.blob }
        { name: 'CERTFN_STORE_AZURE_CONTAINER', value: container.name }
        { name: 'CERTFN_STORE_ENCRYPTION_KEY', value: encryptionKeyReference }
        { name: 'CERTFN_DNS_PROVIDER', value: 'azure' }
        { name: 'CERTFN_DNS_AZURE_SUBSCRIPTION_ID', value: subscription().subscriptionId }
        { name: 'CERTFN_DNS_AZURE_RESOURCE_GROUP', value: resourceGroup().name }
        { name: 'CERTFN_DNS_AZURE_ZONE', value: dnsZoneName }
        { name: 'CERTFN_AUTH_AZURE_TENANT_ID', value: tenant().tenantId }
        { name: 'CERTFN_AUTH_AZURE_AUDIENCE', value: tokenAudience }
        { name: 'CERTFN_POLICY', value: policy }
        { name: 'CERTFN_PLATFORM_AZURE_APP_SERVICE_AUTH', value: appServiceAuth ? 'true' : 'false' }
      ])
    }
    functionAppConfig: flex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}app-package'
          // The host's account key, as AzureWebJobsStorage: no fourth role for the identity.
          authentication: { type: 'StorageAccountConnectionString', storageAccountConnectionStringName: 'AzureWebJobsStorage' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: workerRuntime == 'java' ? { name: 'java', version: '17' } : { name: 'custom', version: '1.0' }
    } : null
  }
  dependsOn: [ deploymentContainer ] // only when it is deployed (flex)
}

// App Service authentication, only with appServiceAuthClientId: Entra ID tokens for tokenAudience are
// required on every path but /healthz, and App Service strips any X-MS-CLIENT-PRINCIPAL a client sends.
resource authentication 'Microsoft.Web/sites/config@2023-12-01' = if (appServiceAuth) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [ '/healthz' ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: appServiceAuthClientId
          openIdIssuer: 'https://sts.windows.net/${tenant().tenantId}/v2.0'
        }
        validation: { allowedAudiences: split(tokenAudience, ',') }
      }
    }
  }
}

resource zone 'Microsoft.Network/dnsZones@2018-05-01' existing = {
  name: dnsZoneName
}

// certfn may read and write blobs in its container only.
resource blobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, app.id, storageBlobDataContributor)
  scope: container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// certfn may change records in this zone only.
resource dnsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(zone.id, app.id, dnsZoneContributor)
  scope: zone
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dnsZoneContributor)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// certfn may read the data key's secret only.
resource keyAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keySecret.id, app.id, keyVaultSecretsUser)
  scope: keySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
