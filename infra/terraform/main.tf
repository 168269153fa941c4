# GCP footprint of redact: separate buckets per output root (separately permissioned), a KMS key ring with
# the KEK, and service accounts with least privilege. `terraform init && terraform plan -var project=...`.
terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

provider "google" {
  project = var.project
  region  = var.region
}

locals {
  # training and work (--output: canaries, staging, purge markers) hold redacted data; vault, quarantine,
  # audit and keys are restricted roots (IAM below; POSIX modes 0600/0700 apply to local roots only).
  roots = ["training", "vault", "quarantine", "audit", "keys", "work"]
}

# Access logs of every root. Enable Data Access audit logs for storage in the project as well.
resource "google_storage_bucket" "logs" {
  #checkov:skip=CKV_GCP_62:this is the access-log target; logging it into itself would loop
  name                        = "${var.prefix}-logs"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  versioning {
    enabled = true
  }
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.audit_retention_days
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "root" {
  for_each                    = toset(local.roots)
  name                        = "${var.prefix}-${each.key}"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # Versioning protects against overwrites; noncurrent versions are deleted after noncurrent_version_days
  # (audit: audit_retention_days), so purge and shred are complete after that delay (SECURITY.md).
  versioning {
    enabled = true
  }
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = each.key == "audit" ? var.audit_retention_days : var.noncurrent_version_days
    }
    action {
      type = "Delete"
    }
  }
  logging {
    log_bucket        = google_storage_bucket.logs.name
    log_object_prefix = each.key
  }
}

resource "google_kms_key_ring" "redact" {
  name     = "${var.prefix}-redact"
  location = var.region
}

resource "google_kms_crypto_key" "kek" {
  name            = "kek"
  key_ring        = google_kms_key_ring.redact.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = "7776000s" # 90 days: new KEK versions; re-wrap with `redact keys rotate --new-kek-uri`
  # Crypto-shredding a scope destroys its keyset; destroying KEK versions is scheduled here.
  destroy_scheduled_duration = "86400s"
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_service_account" "pipeline" {
  account_id   = "${var.prefix}-pipeline"
  display_name = "redact pipeline workers (Dataflow)"
}

resource "google_service_account" "revealer" {
  account_id   = "${var.prefix}-revealer"
  display_name = "authorized detokenization (redact reveal)"
}

# Workers unwrap scope keysets (decrypt) and wrap new ones (encrypt).
resource "google_kms_crypto_key_iam_member" "pipeline_kek" {
  crypto_key_id = google_kms_crypto_key.kek.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${google_service_account.pipeline.email}"
}

resource "google_kms_crypto_key_iam_member" "revealer_kek" {
  crypto_key_id = google_kms_crypto_key.kek.id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = "serviceAccount:${google_service_account.revealer.email}"
}

# The pipeline holds unwrapped keysets in worker memory, so it could reveal: run it only as this service
# account, never as a person. People who reveal get the revealer account (vault + keys read, KEK decrypt).
resource "google_storage_bucket_iam_member" "revealer_read" {
  for_each = toset(["vault", "keys", "audit", "training"]) # training: manifests (shred markers), reveal --whole-version
  bucket   = google_storage_bucket.root[each.key].name
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.revealer.email}"
}

# Reveal appends audit events.
resource "google_storage_bucket_iam_member" "revealer_audit_write" {
  bucket = google_storage_bucket.root["audit"].name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${google_service_account.revealer.email}"
}

resource "google_storage_bucket_iam_member" "pipeline_rw" {
  for_each = toset(local.roots)
  bucket   = google_storage_bucket.root[each.key].name
  role     = "roles/storage.objectAdmin"
  member   = "serviceAccount:${google_service_account.pipeline.email}"
}

output "kek_uri" {
  value = "gcp-kms://${google_kms_crypto_key.kek.id}"
}
