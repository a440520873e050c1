// Package publish puts a built pxacl bundle where many OPA sidecars fetch
// it without a pxacl process in the path: an OCI registry (OPA's `oci`
// service type) or a static HTTP host such as S3, GCS or a CDN (OPA's
// plain bundle service, with a signed bundle). It also writes the OPA
// configuration a sidecar needs for each.
//
// Files: artifact.go holds the OCI artifact OPA downloads; push.go uploads
// it with go-containerregistry; transport.go refuses plain HTTP to a
// registry off this host; opaconfig.go writes the sidecar configurations.
package publish

// DefaultTitle is the file name recorded on the bundle layer.
const DefaultTitle = "pxacl.tar.gz"
