"""`python -m services.gateway` and the `saveroute-gateway` console script."""

from services.gateway.main import main

if __name__ == "__main__":
    main()
