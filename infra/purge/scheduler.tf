# Daily retention purge on Google Cloud: Cloud Scheduler triggers a Cloud Run job that runs
# `redact purge --as-of now` (Beam DirectRunner inside the job; pass --runner=DataflowRunner and its
# options through var.beam_args to run the purge on Dataflow instead).
# Cloud Run jobs run one execution at a time per trigger here (task_count = 1, parallelism = 1); do not
# schedule overlapping purges of one dataset root.

terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project" {
  type = string
}

variable "region" {
  type    = string
  default = "europe-west1"
}

variable "image" {
  description = "Project image with the `redact` entry point"
  type        = string
}

variable "dataset" {
  description = "Output root given to `redact run`, e.g. gs://bucket/redact"
  type        = string
}

variable "config_secret" {
  description = "Secret Manager secret holding the redact config.yaml (policy, KEK URI, roots)"
  type        = string
}

variable "schedule" {
  type    = string
  default = "30 3 * * *"
}

variable "beam_args" {
  type    = list(string)
  default = ["--direct_num_workers=4"]
}

resource "google_service_account" "purge" {
  project      = var.project
  account_id   = "redact-purge"
  display_name = "redact purge job (dataset storage + KMS decrypt)"
}

resource "google_service_account" "scheduler" {
  project      = var.project
  account_id   = "redact-purge-scheduler"
  display_name = "Cloud Scheduler trigger for the redact purge job"
}

resource "google_cloud_run_v2_job" "purge" {
  project             = var.project
  name                = "redact-purge"
  location            = var.region
  deletion_protection = false

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = google_service_account.purge.email
      max_retries     = 2 # a retry finishes an interrupted purge (intent markers)
      timeout         = "14400s"

      containers {
        image   = var.image
        command = ["redact"]
        args = concat(
          ["--quiet", "purge", "--output", var.dataset, "--as-of", "now", "--config", "/etc/redact/config.yaml"],
          var.beam_args,
        )

        # The audit operator is the container's uid plus the service account its KMS client used
        # (not $USER, which anyone can set).

        resources {
          limits = {
            cpu    = "4"
            memory = "8Gi"
          }
        }

        volume_mounts {
          name       = "config"
          mount_path = "/etc/redact"
        }
      }

      volumes {
        name = "config"
        secret {
          secret = var.config_secret
          items {
            version = "latest"
            path    = "config.yaml"
          }
        }
      }
    }
  }
}

resource "google_cloud_run_v2_job_iam_member" "scheduler_invokes_purge" {
  project  = var.project
  location = google_cloud_run_v2_job.purge.location
  name     = google_cloud_run_v2_job.purge.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_scheduler_job" "purge_daily" {
  project          = var.project
  region           = var.region
  name             = "redact-purge-daily"
  description      = "Daily retention purge of the redact training dataset"
  schedule         = var.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "320s"

  retry_config {
    retry_count = 1
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project}/locations/${var.region}/jobs/${google_cloud_run_v2_job.purge.name}:run"

    oauth_token {
      service_account_email = google_service_account.scheduler.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [google_cloud_run_v2_job_iam_member.scheduler_invokes_purge]
}

output "purge_job" {
  value = google_cloud_run_v2_job.purge.name
}
