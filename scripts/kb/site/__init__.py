"""The site: pages rendered from the model (render/), MkDocs on every core (publish), the whole flow
atomically (build), the live preview (serve), and the checks of links before and after the build."""
