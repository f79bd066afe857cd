import sys
import tarfile


def restore(archive_path: str, destination: str) -> None:
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(destination, filter="data")
    print(f"Restored {archive_path} into {destination}")


if __name__ == "__main__":
    restore(sys.argv[1], sys.argv[2])
