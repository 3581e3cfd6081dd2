// certfn on Azure Functions (Linux, Consumption or Flex Consumption, Java 17 worker or the native custom
// handler): a Function App with a system-assigned managed
// identity; certfn's own storage account (shared keys off) whose `certfn` container is its store and
// lock; the Functions host's storage account apart; the data key in Key Vault; role assignments for
// the container, the DNS zone's TXT records and the key vault; workspace-based Application Insights
// with alerts on failed renewals, overdue or expiring certificates and 5xx; the app's own renewal timer.
// A re-run keeps the code (Flex deploys from its container; Consumption from packageUri), the data
// key (written only when encryptionKey is given) and the store.

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

@description('First deployment only: base64 of 32 random bytes (openssl rand -base64 32), which seals private keys; written to Key Vault. Leave empty on every later run: the stored secret is kept.')
@secure()
param encryptionKey string = ''

@description('The Key Vault version of the data key certfn uses; empty: the newest. Set while rotating, with encryptionKeyPreviousVersion.')
param encryptionKeyVersion string = ''

@description('While rotating the data key: the version being rotated out (certfn.store.encryption-key-previous). Empty otherwise.')
param encryptionKeyPreviousVersion string = ''

@description('default, or recover: the Key Vault of an earlier deployment of this resource group was deleted and is still soft-deleted (90 days); recover it with its secret.')
@allowed([ 'default', 'recover' ])
param vaultCreateMode string = 'default'

@description('Where the alerts (failed renewals, certificates past their renewal time or close to expiring, 5xx) are mailed; empty: the action group has no receiver yet.')
param alertEmail string = ''

@description('Linux Consumption only: the URL of the app\'s zip (a blob URL with a read SAS). Set on every run: the plan runs the app from it, and a run without it leaves the app without code. Flex ignores it.')
@secure()
param packageUri string = ''

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
param hostingPlan string = 'flex'

@description('A Key Vault in this resource group that policy rules deliver certificates to (deliver: [{keyVault: {vault: https://<name>.vault.azure.net}}]): certfn gets Key Vault Certificates Officer on it. Empty: no delivery.')
param deliveryKeyVaultName string = ''

@description('Flex Consumption only: the most instances the app scales out to.')
param maximumInstanceCount int = 40

var flex = hostingPlan == 'flex'
var name = toLower(prefix)
var suffix = uniqueString(resourceGroup().id)
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultCertificatesOfficer = 'a4417e6f-fecd-4de8-b567-7b0420556985'
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
    createMode: vaultCreateMode
  }
}

// Written only when a key is given (the first deployment): a re-run never replaces the data key.
resource keySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(encryptionKey)) {
  parent: vault
  name: 'certfn-encryption-key'
  properties: { value: encryptionKey }
}

resource keptSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: 'certfn-encryption-key'
}

// Pinned to one version: every instance seals with the same key (rotation: README). The conditional
// expression keeps ARM from reading the secret that is not there yet (first run) or not written (re-runs).
var keyUri = '${vault.properties.vaultUri}secrets/certfn-encryption-key/'
var encryptionKeyUri = !empty(encryptionKeyVersion) ? '${keyUri}${encryptionKeyVersion}' : (!empty(encryptionKey) ? keySecret.properties.secretUriWithVersion : keptSecret.properties.secretUriWithVersion)
var encryptionKeyReference = '@Microsoft.KeyVault(SecretUri=${encryptionKeyUri})'

// Workspace-based: new regions refuse classic Application Insights, retired in February 2024.
resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
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
      ], flex || empty(packageUri) ? [] : [
        // Linux Consumption runs a package from a URL only ('1' is not supported there); given on every run, a re-run keeps the code.
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: packageUri }
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
      ], empty(encryptionKeyPreviousVersion) ? [] : [
        { name: 'CERTFN_STORE_ENCRYPTION_KEY_PREVIOUS', value: '@Microsoft.KeyVault(SecretUri=${keyUri}${encryptionKeyPreviousVersion})' }
      ], [
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

// certfn may read the zone and write TXT record sets in it, nothing else: not other record types, not
// the zone itself (DNS Zone Contributor could), as the AWS template limits Route 53 to TXT.
resource dnsTxtRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'certfn-dns-txt')
  properties: {
    roleName: 'certfn DNS-01 TXT records (${suffix})'
    description: 'Read a DNS zone and create, change and delete its TXT record sets: what certfn needs for DNS-01.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Network/dnsZones/read'
          'Microsoft.Network/dnsZones/TXT/read'
          'Microsoft.Network/dnsZones/TXT/write'
          'Microsoft.Network/dnsZones/TXT/delete'
        ]
        notActions: []
      }
    ]
    assignableScopes: [ resourceGroup().id ]
  }
}

resource dnsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(zone.id, app.id, 'certfn-dns-txt')
  scope: zone
  properties: {
    roleDefinitionId: dnsTxtRole.id
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// certfn may read the secrets of its own vault, which holds the data key only.
resource keyAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Delivery: certfn imports certificates (a new version at each renewal) into the named vault; that vault only.
resource deliveryVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = if (!empty(deliveryKeyVaultName)) {
  name: empty(deliveryKeyVaultName) ? 'unused' : deliveryKeyVaultName
}

resource deliveryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deliveryKeyVaultName)) {
  name: guid(resourceGroup().id, deliveryKeyVaultName, app.id, keyVaultCertificatesOfficer)
  scope: deliveryVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCertificatesOfficer)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Alerts: nothing else tells of a failed renewal (Let's Encrypt sends no expiry mail). The sweep logs one
// line "event=sweep ... failed=N ... overdue=N expiring=N" (a trace in Application Insights); 5xx are requests.
resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${name}-alerts-${suffix}'
  location: 'Global'
  properties: {
    groupShortName: 'certfn'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [ { name: 'certfn-operator', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
}

var alertRules = [
  {
    id: 'failed-renewals'
    severity: 1
    window: 'PT1H'
    threshold: 0
    title: 'certfn: a renewal failed'
    query: 'traces | where message contains "event=sweep" and message !contains "failed=0"'
  }
  {
    id: 'overdue'
    severity: 2
    window: 'P1D'
    threshold: 1
    title: 'certfn: certificates past their renewal time after two sweeps'
    query: 'traces | where message contains "event=sweep" and message !contains "overdue=0"'
  }
  {
    id: 'expiring'
    severity: 0
    window: 'PT1H'
    threshold: 0
    title: 'certfn: a certificate in the last tenth of its lifetime'
    query: 'traces | where message contains "event=sweep" and message !contains "expiring=0"'
  }
  {
    id: '5xx'
    severity: 2
    window: 'PT15M'
    threshold: 4
    title: 'certfn: 5 or more 5xx answers in 15 minutes'
    query: 'requests | where toint(resultCode) >= 500'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for rule in alertRules: {
  name: '${name}-${rule.id}-${suffix}'
  location: location
  properties: {
    displayName: rule.title
    severity: rule.severity
    enabled: true
    scopes: [ insights.id ]
    evaluationFrequency: rule.window
    windowSize: rule.window
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: rule.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [ alertGroup.id ] }
  }
}]

output functionAppName string = app.name
output keyVaultName string = vault.name
output url string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
