import argparse

import yaml


def load_config(path):
    with open(path) as f:
        return yaml.load(f, Loader=yaml.Loader)


def main():
    parser = argparse.ArgumentParser(description="Deploy services from a config file")
    parser.add_argument("config")
    args = parser.parse_args()
    config = load_config(args.config)
    for service in config.get("services", []):
        print(f"Deploying {service['name']}...")


if __name__ == "__main__":
    main()
